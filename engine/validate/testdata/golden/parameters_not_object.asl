{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Parameters": "x",
   "End": true
  }
 }
}