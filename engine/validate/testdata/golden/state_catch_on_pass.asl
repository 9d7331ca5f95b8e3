{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Catch": [],
   "End": true
  }
 }
}