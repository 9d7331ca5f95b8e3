{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "TimeoutSeconds": 3,
   "End": true
  }
 }
}