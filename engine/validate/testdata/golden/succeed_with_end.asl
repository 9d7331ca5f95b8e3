{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Succeed",
   "End": true
  }
 }
}